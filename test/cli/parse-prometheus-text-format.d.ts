// The package ships no types; this is the part the status tests use (its README's shape).
declare module 'parse-prometheus-text-format' {
  /** Parses Prometheus's text exposition format into metric families; throws on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
