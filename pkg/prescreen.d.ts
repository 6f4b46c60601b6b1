/* tslint:disable */
/* eslint-disable */

/** `pass`, `review` or `block`. */
export type Decision = "pass" | "review" | "block";
/** The three risk tiers. */
export type Signal = "explicit" | "implicit" | "borderline";
/** Disguises the matcher looks through. */
export type Evasion = "width" | "case" | "traditional" | "spacing" | "repeat" | "leet" | "homoglyph"
| "pinyin" | "initials" | "homophone" | "split" | "numerals";
/** End-exclusive offsets into the original text: UTF-8 bytes, Unicode scalar values, UTF-16 units. */
export interface Span { byte: [number, number]; char: [number, number]; utf16: [number, number]; }
/** A counted match of a term (or of a combination rule). */
export interface Hit {
    term: string; category: string; signal: Signal; weight: number;
    /** The original text of the match, disguise included. */
    matched: string;
    via: Evasion[];
    policy?: string;
    span: Span;
    /** The lexicon variant that matched, when it was not the term's own text. */
    variant?: string;
    /** For a combination rule: the term ids whose hits formed it. */
    parts?: string[];
}
/** A match found but not counted: it cuts through a longer word, or lies inside an allow phrase. */
export interface Suppressed {
    term: string; category: string; matched: string;
    reason: "word" | "allow";
    /** The longer word or the allow phrase. */
    detail: string;
    span: Span;
}
export interface CategoryScore { score: number; decision: Decision; }
export interface LexiconInfo { name: string; version: string; }
/** The verdict on one text (the JSON of the design contract). */
export interface Verdict {
    decision: Decision;
    score: number;
    lexicon: LexiconInfo;
    profile: string;
    categories: Record<string, CategoryScore>;
    signals: Partial<Record<Signal, number>>;
    hits: Hit[];
    suppressed: Suppressed[];
    /** Hits of shadow terms and rules (`mode = "shadow"`): reported, never counted. */
    shadow?: Hit[];
    /** The decision, score and categories with the shadow terms live (when `shadow` is there). */
    shadow_outcome?: ShadowOutcome;
    /** The learned scorer's judgement, when a model is on. */
    model?: ModelVerdict;
    /** Only from the native `scan`: the text was over the input cap and only `scanned` of its `len`
     *  UTF-8 bytes were read (the JS `scan` throws instead). */
    truncated?: { len: number; scanned: number };
    [extra: string]: unknown;
}
/** A feature of the learned scorer and what it contributed. */
export interface ModelFeature { text: string; weight: number; span: Span; }
/** The learned scorer's judgement on a text. */
export interface ModelVerdict {
    /** Calibrated probability in [0, 1] that the text is risky in `category`. */
    score: number;
    category: string;
    /** What the model alone would decide. */
    decision: Decision;
    /** The largest positive contributions, largest first: listed when the model flags the text
     *  (`decision` review or block), or always when `screener.modelFeatures = "always"`. */
    features: ModelFeature[];
}
/** When verdicts list the learned scorer's features (`Screener.modelFeatures`). */
export type ModelFeatures = "flagged" | "always";
/** What a verdict would be with the shadow terms and rules live. */
export interface ShadowOutcome { decision: Decision; score: number; categories: Record<string, CategoryScore>; }
/** One layer of `Screener.fromLayers`: `"default"` (the embedded lexicon) or a lexicon text. */
export type LexiconLayer = "default" | {
    text: string;
    /** Named in error messages (default `layer N`). */
    name?: string;
    /** Default: `json` when the name ends in `.json`, else `toml`. */
    format?: "toml" | "json";
};
/** Options of `Screener.fromLayers`. */
export interface LayerOptions {
    /** The day `expires` dates are judged against, `YYYY-MM-DD` (default: today, UTC). */
    today?: string;
}
/** A category of the lexicon. */
export interface CategoryInfo { id: string; name: string; review: number; block: number; }



/**
 * A compiled lexicon, ready to scan.
 */
export class Screener {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The lexicon's categories.
     */
    categories(): CategoryInfo[];
    /**
     * The embedded default lexicon as one TOML text (for an editor).
     */
    static defaultLexiconToml(): string;
    /**
     * A screener on a lexicon in JSON (the TOML structure). Throws like `fromToml`.
     */
    static fromJson(text: string): Screener;
    /**
     * A screener on layered lexicons, later layers adding terms or overriding them by id:
     * `Screener.fromLayers(["default", { name: "event.toml", text }])` puts a pack on the
     * default. `options.today` (`YYYY-MM-DD`) sets the day `expires` dates are judged against
     * (default: today, UTC; see `LayerOptions`). Throws an `Error` naming the layer, line and
     * column when one is bad.
     */
    static fromLayers(layers: LexiconLayer[], options?: object | null): Screener;
    /**
     * A screener on a lexicon in TOML, as of today (UTC) for `expires`. Throws an `Error`
     * naming line and column when it is bad.
     */
    static fromToml(text: string): Screener;
    /**
     * A screener on the embedded default lexicon.
     */
    constructor();
    /**
     * Names of the lexicon's profiles (`default` first, even when the lexicon does not define it).
     */
    profiles(): string[];
    /**
     * Scans a text; the verdict as a JSON string. Throws like `scan`.
     */
    scanJson(text: string): string;
    /**
     * Scans a text under a named profile. Throws an `Error` when the lexicon has no such profile
     * or the text is longer than `maxInputBytes`.
     */
    scanWithProfile(text: string, profile: string): Verdict;
    /**
     * Scans a text under the `default` profile; a plain object (use `span.utf16` in JS).
     * Throws an `Error` when the text is longer than `maxInputBytes`.
     */
    scan(text: string): Verdict;
    /**
     * Every regression example of the lexicon's terms (`examples.match` and `examples.no_match`),
     * in term order: the page's and the tests' sample texts.
     */
    termExamples(): string[];
    /**
     * Builds now what the screener otherwise builds on first need: jieba (for word boundaries in
     * Chinese) and the matching DFAs (until 4 MiB are scanned the automata are NFAs, ≈ 2× slower).
     * `new Screener()` leaves them out so that the first verdict comes fast; call this when the
     * page is idle. Verdicts are the same either way.
     */
    warmUp(): void;
    /**
     * Lexicon name.
     */
    readonly lexiconName: string;
    /**
     * Lexicon version.
     */
    readonly lexiconVersion: string;
    /**
     * The input cap: the longest text, in UTF-8 bytes, that `scan` accepts (default 16 MiB).
     */
    maxInputBytes: number;
    /**
     * When verdicts list the learned scorer's features: `"flagged"` (the default: when the
     * model alone would ask for review or block) or `"always"`.
     */
    modelFeatures: ModelFeatures;
    /**
     * Number of terms in the lexicon.
     */
    readonly termCount: number;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_screener_free: (a: number, b: number) => void;
    readonly screener_categories: (a: number) => any;
    readonly screener_defaultLexiconToml: () => [number, number];
    readonly screener_fromJson: (a: number, b: number) => [number, number, number];
    readonly screener_fromLayers: (a: any, b: number) => [number, number, number];
    readonly screener_fromToml: (a: number, b: number) => [number, number, number];
    readonly screener_lexiconName: (a: number) => [number, number];
    readonly screener_lexiconVersion: (a: number) => [number, number];
    readonly screener_maxInputBytes: (a: number) => number;
    readonly screener_modelFeatures: (a: number) => [number, number];
    readonly screener_new: () => number;
    readonly screener_profiles: (a: number) => [number, number];
    readonly screener_scan: (a: number, b: any) => [number, number, number];
    readonly screener_scanJson: (a: number, b: any) => [number, number, number, number];
    readonly screener_scanWithProfile: (a: number, b: any, c: number, d: number) => [number, number, number];
    readonly screener_set_maxInputBytes: (a: number, b: number) => void;
    readonly screener_set_modelFeatures: (a: number, b: number, c: number) => [number, number];
    readonly screener_termCount: (a: number) => number;
    readonly screener_termExamples: (a: number) => [number, number];
    readonly screener_warmUp: (a: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
