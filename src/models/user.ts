import { BaseModel } from './base-model.js';

export class User extends BaseModel {
  static override tableName = 'users';

  id!: number;
  email!: string;
  name!: string;
  jobTitle!: string;
  phone!: string;
  timeZone!: string;
  /** null: follow the browser's Accept-Language. */
  locale!: 'en' | 'de' | null;
  passwordHash!: string | null;
  isAdmin!: boolean;
  isExtranet!: boolean;
  deactivatedAt!: Date | null;
  authSource!: 'local' | 'ldap' | 'oidc';
  externalKey!: string | null;
  totpSecret!: string | null;
  totpEnabledAt!: Date | null;
  totpLastStep!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** What views may show of a person: plain data, never the model. */
export interface PersonView {
  id: number;
  name: string;
  email: string;
  jobTitle: string;
  isExtranet: boolean;
  deactivated: boolean;
}

export function personView(u: Pick<User, 'id' | 'name' | 'email' | 'jobTitle' | 'isExtranet' | 'deactivatedAt'>): PersonView {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    jobTitle: u.jobTitle,
    isExtranet: u.isExtranet,
    deactivated: u.deactivatedAt !== null,
  };
}
