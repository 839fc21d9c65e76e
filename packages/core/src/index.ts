export * from './access';
export * from './api';
export * from './time';
export * from './nhs-number';
export * from './rtt';
export * from './cancer';
export * from './diagnostics';
export * from './validation';
