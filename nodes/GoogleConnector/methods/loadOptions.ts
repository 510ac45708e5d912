// Dropdowns loaded from the connected account. Each surface adds its own loader here.
export {};
