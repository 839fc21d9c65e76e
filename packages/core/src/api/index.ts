export * from './contract';
export * from './ptl';
