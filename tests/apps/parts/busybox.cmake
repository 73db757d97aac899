# Debian's busybox (a dynamic PIE) as /bin/sh, forking sequentially.
find_program(BUSYBOX busybox PATHS /bin /usr/bin NO_DEFAULT_PATH)
if(BUSYBOX)
  set(BUSYBOX_INSTANCE ${CMAKE_CURRENT_BINARY_DIR}/busybox-instance)
  add_test(NAME apps.busybox.setup COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/make_busybox_instance.sh
           ${CELLA} ${BUSYBOX_INSTANCE} ${CMAKE_CURRENT_SOURCE_DIR}/busybox)
  set_tests_properties(apps.busybox.setup PROPERTIES FIXTURES_SETUP busybox)
  function(busybox_test name)
    add_test(NAME apps.busybox.${name} COMMAND ${HARNESS} ${ARGN})
    set_tests_properties(apps.busybox.${name} PROPERTIES FIXTURES_REQUIRED busybox
                         ENVIRONMENT "CELLA=${CELLA};INSTANCE=${BUSYBOX_INSTANCE}")
  endfunction()
  busybox_test(shell --stdout "^busybox sh ok$" -- /bin/sh /root/shell.sh)
  # mkdir -p makes "/" first: EEXIST, as for every existing directory.
  busybox_test(mkdir-p --stdout "^/tmp/a/b/c$" -- /bin/sh -c "mkdir -p /tmp/x /tmp/a/b/c && cd /tmp/a/b/c && pwd")
  busybox_test(pipeline --stdout "^3$" -- /bin/sh -c "echo a b c | tr ' ' '\\n' | sort -r | wc -l")
  # Debian's sqlite3, GNU tar (with gzip) and coreutils' cp -a (issue 9).
  busybox_test(sqlite3 --stdout "^sqlite wal ok$" --stdout "^sqlite delete ok$" -- /bin/sh /root/sqlite.sh)
  busybox_test(archive --stdout "^tar ok$" --stdout "^tar gzip ok$" --stdout "^cp -a ok$" --stdout "^archive done$"
               -- /bin/sh /root/archive.sh)
  # GNU tar starts gzip with fork(), which only a sequential fork serves.
  busybox_test(tar-gzip-needs-fork --config-edit "fork=\"unsupported\"" --exit 2
               --stderr "Cannot fork: Function not implemented" -- /bin/tar -czf /tmp/t.tgz /root)
  # Without process.fork = "sequential" the shell is told why it cannot fork.
  busybox_test(fork-unsupported --config-edit "fork=\"unsupported\"" --exit 2
               --stderr "can't fork" --stderr "set process.fork to \"sequential\" in cella.json"
               -- /bin/sh -c "echo a | cat")
else()
  message(WARNING "busybox not found: the busybox app tests are skipped")
endif()
