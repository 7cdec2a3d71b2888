import { BaseModel } from './base-model.js';

/** One row: how people may sign in (issue 19). Secrets are never here, only in the environment. */
export class SignInSettings extends BaseModel {
  static override tableName = 'sign_in_settings';

  id!: number;
  ldapEnabled!: boolean;
  ldapUrl!: string;
  ldapStartTls!: boolean;
  ldapBindDn!: string;
  ldapBaseDn!: string;
  ldapUserFilter!: string;
  ldapAttrEmail!: string;
  ldapAttrName!: string;
  ldapAttrJobTitle!: string;
  ldapAttrPhone!: string;
  ldapAdminGroupDn!: string;
  oidcEnabled!: boolean;
  oidcIssuer!: string;
  oidcClientId!: string;
  oidcCreateAccounts!: boolean;
  totpRequiredAdmins!: boolean;
  totpRequiredExternal!: boolean;
  updatedAt!: Date;
}
