// MIME: encodings, addresses (the one parser), composing a message, replies.
export * from './encoding';
export * from './addresses';
export * from './message';
export * from './reply';
