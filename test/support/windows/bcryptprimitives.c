/*
 * bcryptprimitives.dll for wine 8, which lacks it: Bun's Windows runtime imports ProcessPrng from it and
 * nothing else, so without this file the binary exits 53 before it runs a line of ours. ProcessPrng fills
 * the buffer from advapi32's RtlGenRandom (exported as SystemFunction036), in chunks it accepts (ULONG
 * lengths). Built by test/support/wine.ts with mingw and put beside the .exe, where the loader looks
 * first. Only for the tests: no binary is committed, and real Windows has its own.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reason;
  (void)reserved;
  return TRUE;
}
