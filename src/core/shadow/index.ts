export * from './overlap';
export * from './samples';
export * from './sampler';
export * from './similarity';
