/*
 * A Windows MFA program for the wine tests (test/windows/): prints a 6-digit code (VEGAS_TEST_CODE, else
 * 271828) on stdout and, on stderr, the arguments it received, each in brackets, so a test sees how its
 * command line was split. With VEGAS_TEST_WAIT set it first sleeps for two minutes (a run that holds the
 * lock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

int main(int argc, char **argv) {
  fprintf(stderr, "argv:");
  for (int i = 1; i < argc; i++) fprintf(stderr, " [%s]", argv[i]);
  fprintf(stderr, "\n");
  fflush(stderr);
  if (getenv("VEGAS_TEST_WAIT") != NULL) Sleep(120000);
  const char *code = getenv("VEGAS_TEST_CODE");
  printf("%s\n", code != NULL ? code : "271828");
  fflush(stdout);
  return 0;
}
