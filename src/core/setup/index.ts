// Check Setup, the pure part: the plan of requests, each outcome as a row with its fix, the report.
export * from './check';
export * from './outcome';
export * from './plan';
export * from './report';
