# AF_UNIX sockets inside the LibOS (issue 11, networking).
foreach(program unix_stream unix_dgram unix_scm_rights unix_poll)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# AF_INET/AF_INET6 are not there yet, and the debug log says so.
app_test(apps.net.inet-not-yet --env CELLA_LOG=debug
         --stderr "AF_INET/AF_INET6 sockets are not yet supported \\(issue 11\\): EAFNOSUPPORT"
         --stdout "unix_stream ok" -- /usr/local/bin/tests/glibc-pie/unix_stream)
