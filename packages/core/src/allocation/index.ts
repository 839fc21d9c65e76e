// The public API of core's allocation module (filled in as the module is written).
export {};
