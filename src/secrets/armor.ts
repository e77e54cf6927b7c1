/**
 * Splits a file into its armored key blocks. openpgp reads one armor block per call; a file may
 * hold several (concatenated exports), and a key silently skipped would be a recipient that
 * cannot decrypt. Text without any block is returned whole, so the parser reports the error.
 */
export function armorBlocks(text: string): string[] {
  const blocks = text.match(/-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g);
  return blocks && blocks.length > 0 ? blocks : [text];
}
