// Unified campaigns with their structure, shared by the unit, workflow and host tests.

/** A full Search campaign: 2 locations, 1 language, 2 ad groups, 10 keywords, 2 responsive search ads. */
export function fullSearchCampaign(name = 'Launch: Winterreifen 2027'): Record<string, unknown> {
	return {
		name,
		status: 'PAUSED',
		channel: 'SEARCH',
		budget: { amount: 42.5, period: 'DAILY' },
		bidding: { strategy: 'MANUAL_CPC' },
		networks: { googleSearch: true, searchPartners: false, display: false },
		euPoliticalAdvertising: false,
		targeting: { locations: ['2276', { id: 'geoTargetConstants/2040', exclude: false }], languages: ['de'], negativeKeywords: ['gebraucht', '[kostenlos]'] },
		adGroups: [
			{
				name: 'Winterreifen',
				status: 'ENABLED',
				cpcBid: 1.2,
				keywords: ['winterreifen', '[winterreifen kaufen]', '"winterreifen günstig"', { text: 'reifen wechseln', matchType: 'PHRASE', cpcBid: 0.9 }, { text: 'schneereifen', matchType: 'BROAD' }],
				ads: [
					{
						headlines: [{ text: 'Winterreifen ab 49 €', pinnedTo: 1 }, 'Montage inklusive', 'Lieferung in 24 Stunden'],
						descriptions: ['Alle Größen auf Lager. Jetzt Termin buchen und sicher durch den Winter.', 'Kostenlose Einlagerung beim Kauf von vier Reifen.'],
						finalUrl: 'https://reifen.example.de/winter',
						path1: 'winter',
						path2: 'reifen',
					},
				],
			},
			{
				name: 'Ganzjahresreifen',
				cpcBid: 0.8,
				keywords: ['ganzjahresreifen', '[allwetterreifen]', '"ganzjahresreifen test"', 'reifen für alle jahreszeiten', 'allseason reifen'],
				ads: [
					{
						headlines: ['Ganzjahresreifen im Test', 'Ein Satz für das ganze Jahr', 'Jetzt online bestellen', 'Testsieger 2027'],
						descriptions: ['Sparen Sie sich den Reifenwechsel: Ganzjahresreifen vom Fachhändler.', 'Montage in über 300 Werkstätten.'],
						finalUrl: 'https://reifen.example.de/ganzjahr',
					},
				],
			},
		],
	};
}

/** A Performance Max campaign whose images come from the binary properties landscape, square and logo. */
export function performanceMaxCampaign(name = 'PMax: Winter'): Record<string, unknown> {
	return {
		name,
		status: 'PAUSED',
		channel: 'PERFORMANCE_MAX',
		budget: { amount: 60 },
		bidding: { strategy: 'MAXIMIZE_CONVERSIONS' },
		euPoliticalAdvertising: false,
		targeting: { locations: ['2276'], languages: ['1001'] },
		assetGroup: {
			finalUrl: 'https://reifen.example.de/',
			businessName: 'Reifen Example',
			headlines: ['Winterreifen', 'Montage inklusive', 'Sicher im Schnee'],
			longHeadlines: ['Winterreifen vom Fachhändler mit Montage in Ihrer Nähe'],
			descriptions: ['Alle Größen auf Lager.', 'Jetzt Termin buchen und sicher durch den Winter fahren mit neuen Reifen.'],
			images: { landscape: ['landscape'], square: ['square'], logo: ['logo'] },
		},
	};
}
