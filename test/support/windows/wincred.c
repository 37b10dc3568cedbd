/*
 * Writes and lists generic credentials as aws-vault's and granted's keyring library does on Windows
 * (99designs/keyring wincred.go through danieljoos/wincred: CredWriteW of a CRED_TYPE_GENERIC credential,
 * CRED_PERSIST_LOCAL_MACHINE, its target PREFIX:SERVICE:KEY, its blob the credentials JSON), for the tests of
 * `keys import --from` under wine.
 *
 *   wincred.exe write TARGET < blob      stores the blob read from stdin
 *   wincred.exe list PREFIX              prints the target of each generic credential under PREFIX, one a line
 */
#include <windows.h>
#include <wincred.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

static wchar_t *wide(const char *text) {
  int size = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
  wchar_t *out = (wchar_t *)calloc((size_t)size, sizeof(wchar_t));
  MultiByteToWideChar(CP_UTF8, 0, text, -1, out, size);
  return out;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  if (strcmp(argv[1], "write") == 0) {
    static BYTE blob[CRED_MAX_CREDENTIAL_BLOB_SIZE];
    _setmode(_fileno(stdin), _O_BINARY);
    size_t size = fread(blob, 1, sizeof blob, stdin);
    CREDENTIALW credential;
    memset(&credential, 0, sizeof credential);
    credential.Type = CRED_TYPE_GENERIC;
    credential.TargetName = wide(argv[2]);
    credential.CredentialBlobSize = (DWORD)size;
    credential.CredentialBlob = blob;
    credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
    if (!CredWriteW(&credential, 0)) {
      fprintf(stderr, "CredWriteW failed: %lu\n", GetLastError());
      return 1;
    }
    return 0;
  }
  if (strcmp(argv[1], "list") == 0) {
    size_t length = strlen(argv[2]);
    char *filter = (char *)malloc(length + 2);
    memcpy(filter, argv[2], length);
    filter[length] = '*';
    filter[length + 1] = 0;
    DWORD count = 0;
    PCREDENTIALW *credentials = NULL;
    if (!CredEnumerateW(wide(filter), 0, &count, &credentials)) return GetLastError() == ERROR_NOT_FOUND ? 0 : 1;
    for (DWORD index = 0; index < count; index++) {
      char target[4096];
      WideCharToMultiByte(CP_UTF8, 0, credentials[index]->TargetName, -1, target, sizeof target, NULL, NULL);
      printf("%s\n", target);
    }
    CredFree(credentials);
    return 0;
  }
  return 2;
}
