// The floor for bench/cached-assume.sh: a compiled Bun program that prints one line, built like ours.
async function main(): Promise<number> {
  console.log('{"hello":"world"}');
  return 0;
}
main().then((code) => process.exit(code));
