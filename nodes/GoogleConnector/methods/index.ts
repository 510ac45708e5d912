import { googleConnectorServiceAccountTest } from './credentialTest';
import * as loadOptions from './loadOptions';

export const credentialTest = { googleConnectorServiceAccountTest };
export { loadOptions };
