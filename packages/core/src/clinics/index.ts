// The public API of core's clinics module (filled in as the module is written).
export {};
