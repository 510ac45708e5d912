// Every resource of the Google Connector node. A new resource is one import and one entry here.
import type { Resource } from './operation';
import { connection } from './connection/Connection.resource';
import { identity } from './identity/Identity.resource';
import { gmail } from './gmail/Gmail.resource';
import { youtube } from './youtube/YouTube.resource';
import { adsCampaign } from './adsCampaign/AdsCampaign.resource';
import { adsReport } from './adsReport/AdsReport.resource';
import { adsConversion } from './adsConversion/AdsConversion.resource';
import { adsAccount } from './adsAccount/AdsAccount.resource';
import { adsAdGroup } from './adsAdGroup/AdsAdGroup.resource';
import { adsKeyword } from './adsKeyword/AdsKeyword.resource';
import { adsAd } from './adsAd/AdsAd.resource';
import { adsTargeting } from './adsTargeting/AdsTargeting.resource';

export const resources: Record<string, Resource> = {
	connection,
	identity,
	gmail,
	youtube,
	adsCampaign,
	adsAdGroup,
	adsKeyword,
	adsAd,
	adsTargeting,
	adsReport,
	adsConversion,
	adsAccount,
};
