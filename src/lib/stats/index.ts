export * from './rng';
export * from './bootstrap';
