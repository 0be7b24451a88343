/** Splits PEM text into its certificates (each `-----BEGIN CERTIFICATE-----` block), in order. */
export function splitPemChain(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.map((block) => `${block}\n`) ?? [];
}
