export * from './rng';
export * from './bootstrap';
export * from './agreement';
export * from './cohen-kappa';
export * from './fleiss-kappa';
export * from './krippendorff-alpha';
export * from './correlation';
