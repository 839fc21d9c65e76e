export * from './access';
export * from './api';
export * from './time';
export * from './nhs-number';
