/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_screener_free: (a: number, b: number) => void;
export const screener_categories: (a: number) => any;
export const screener_defaultLexiconToml: () => [number, number];
export const screener_fromJson: (a: number, b: number) => [number, number, number];
export const screener_fromLayers: (a: any, b: number) => [number, number, number];
export const screener_fromToml: (a: number, b: number) => [number, number, number];
export const screener_lexiconName: (a: number) => [number, number];
export const screener_lexiconVersion: (a: number) => [number, number];
export const screener_maxInputBytes: (a: number) => number;
export const screener_new: () => number;
export const screener_profiles: (a: number) => [number, number];
export const screener_scan: (a: number, b: any) => [number, number, number];
export const screener_scanJson: (a: number, b: any) => [number, number, number, number];
export const screener_scanWithProfile: (a: number, b: any, c: number, d: number) => [number, number, number];
export const screener_set_maxInputBytes: (a: number, b: number) => void;
export const screener_termCount: (a: number) => number;
export const screener_termExamples: (a: number) => [number, number];
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __externref_drop_slice: (a: number, b: number) => void;
export const __wbindgen_start: () => void;
