export * from './edits';
export * from './reprice';
export * from './stats';
export * from './suggest';
