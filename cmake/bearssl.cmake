# BearSSL, the crypto library of the freestanding LibOS (DESIGN.md section 3):
# Debian 12's source of libbearssl-dev, fetched at configure time and
# checked against the SHA-256 of Debian's archive, so that the LibOS builds
# the parts it needs with its own flags (no stack protector, which reads
# %fs; no SSE) and links no libc.
include(FetchContent)
FetchContent_Declare(bearssl
  URL http://deb.debian.org/debian/pool/main/b/bearssl/bearssl_0.6+dfsg.1.orig.tar.xz
      https://snapshot.debian.org/archive/debian/20230101T000000Z/pool/main/b/bearssl/bearssl_0.6%2Bdfsg.1.orig.tar.xz
  URL_HASH SHA256=102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
  DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
FetchContent_GetProperties(bearssl)
if(NOT bearssl_POPULATED)
  FetchContent_Populate(bearssl)
endif()
set(CELLA_BEARSSL_INCLUDE ${bearssl_SOURCE_DIR}/inc)
# Only what the LibOS calls: SHA-256.
set(CELLA_BEARSSL_SOURCES
  ${bearssl_SOURCE_DIR}/src/hash/sha2small.c
  ${bearssl_SOURCE_DIR}/src/codec/dec32be.c
  ${bearssl_SOURCE_DIR}/src/codec/enc32be.c)
