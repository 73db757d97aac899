# AF_UNIX sockets inside the LibOS, AF_INET/AF_INET6 through host
# sockets (issue 11, networking).
foreach(program unix_stream unix_dgram unix_scm_rights unix_poll inet_tcp inet_readiness inet_blocking)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# A family cella does not serve is named once in the debug log.
app_test(apps.net.family-unsupported --env CELLA_LOG=debug
         --stderr-once "socket: address family 12 is not supported: EAFNOSUPPORT"
         --stdout "inet_tcp ok" -- /usr/local/bin/tests/glibc-pie/inet_tcp)
# A poll, select or epoll_wait that finds a host socket ready reads no
# clock from the host: 3,000 waits, well under one clock read each.
list(APPEND APP_PROGRAMS inet_ready_waits)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.inet_ready_waits --stdout "inet_ready_waits ok" -- /usr/local/bin/tests/${variant}/inet_ready_waits 100)
endforeach()
add_test(NAME apps.net.ready-waits-host-clock COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/host_calls.sh clock_gettime 300
         /usr/local/bin/tests/glibc-pie/inet_ready_waits 1000)
set_tests_properties(apps.net.ready-waits-host-clock PROPERTIES FIXTURES_REQUIRED apps SKIP_RETURN_CODE 77
                     ENVIRONMENT "CELLA=${CELLA};INSTANCE=${INSTANCE}")
# Blocking accepts, receives and sends that must wait do so at the host,
# in their one host call: 200 waiting accepts and receives and four 32 MiB
# sends make no host poll (one each, 200 and more, before).
add_test(NAME apps.net.blocking-waits-no-host-poll COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/host_calls.sh ppoll 20
         /usr/local/bin/tests/glibc-pie/inet_blocking 200)
set_tests_properties(apps.net.blocking-waits-no-host-poll PROPERTIES FIXTURES_REQUIRED apps SKIP_RETURN_CODE 77
                     ENVIRONMENT "CELLA=${CELLA};INSTANCE=${INSTANCE}")
# The same programs with host socket I/O through the io_uring ring
# (feature.io_uring; CELLA_IO_URING=1 for one run): the debug log names
# the ring, so a run that quietly took the direct path fails.
foreach(program inet_tcp inet_readiness inet_blocking inet_ready_waits)
  foreach(variant ${VARIANTS})
    app_test_once(apps.${variant}.${program}.io_uring --env CELLA_IO_URING=1 --env CELLA_LOG=debug
                  --stderr-once "io_uring: host socket I/O through a ring of"
                  --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
app_test_once(apps.net.io_uring-config --env CELLA_LOG=debug
              --config-sed "s|\"io_uring\": false|\"io_uring\": true|"
              --stderr-once "io_uring: host socket I/O through a ring of"
              --stdout "inet_blocking ok" -- /usr/local/bin/tests/glibc-pie/inet_blocking)
add_test(NAME apps.net.blocking-waits-no-host-poll.io_uring
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/host_calls.sh ppoll 20 /usr/local/bin/tests/glibc-pie/inet_blocking 200)
set_tests_properties(apps.net.blocking-waits-no-host-poll.io_uring PROPERTIES FIXTURES_REQUIRED apps
                     SKIP_RETURN_CODE 77 ENVIRONMENT "CELLA=${CELLA};INSTANCE=${INSTANCE};CELLA_IO_URING=1")
