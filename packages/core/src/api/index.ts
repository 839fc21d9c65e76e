export * from './allocation';
export * from './clinics';
export * from './contract';
export * from './ptl';
export * from './tasks';
export * from './policy';
export * from './communications';
