# AF_UNIX sockets inside the LibOS, AF_INET/AF_INET6 through host
# sockets (issue 11, networking).
foreach(program unix_stream unix_dgram unix_scm_rights unix_poll inet_tcp inet_readiness)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# A family cella does not serve is named once in the debug log.
app_test(apps.net.family-unsupported --env CELLA_LOG=debug
         --stderr-once "socket: address family 12 is not supported: EAFNOSUPPORT"
         --stdout "inet_tcp ok" -- /usr/local/bin/tests/glibc-pie/inet_tcp)
