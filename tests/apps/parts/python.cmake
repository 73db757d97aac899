# Debian's python3.11 (a fixed-address ET_EXEC program) inside cella.
find_program(PYTHON3_11 python3.11 PATHS /usr/bin NO_DEFAULT_PATH)
if(PYTHON3_11)
  set(PYTHON_INSTANCE ${CMAKE_CURRENT_BINARY_DIR}/python-instance)
  add_test(NAME apps.python.setup COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/make_python_instance.sh
           ${CELLA} ${PYTHON_INSTANCE} ${CMAKE_CURRENT_SOURCE_DIR}/python)
  set_tests_properties(apps.python.setup PROPERTIES FIXTURES_SETUP python)
  function(python_test name)
    add_test(NAME apps.python.${name} COMMAND ${HARNESS} ${ARGN})
    set_tests_properties(apps.python.${name} PROPERTIES FIXTURES_REQUIRED python
                         ENVIRONMENT "CELLA=${CELLA};INSTANCE=${PYTHON_INSTANCE}")
  endfunction()
  python_test(print --stdout "^42$" -- /usr/bin/python3 -c "print(6*7)")
  python_test(threading --stdout "python threading ok" -- /usr/bin/python3 /root/threads.py)
  python_test(signal --stdout "python signal ok" -- /usr/bin/python3 /root/signals.py)
  python_test(subprocess --stdout "python subprocess ok" -- /usr/bin/python3 /root/subprocesses.py)
  python_test(fork --config-edit "fork=\"sequential\"" --stdout "python fork ok" -- /usr/bin/python3 /root/fork.py)
  python_test(mmap-time --stdout "python mmap/time ok" -- /usr/bin/python3 /root/mmap_time.py)
  # shutil.copyfile (sendfile) and coreutils cp (copy_file_range).
  python_test(transfer --stdout "python transfer ok" -- /usr/bin/python3 /root/transfer.py)
  python_test(shared-mmap --stdout "python shared mmap ok" -- /usr/bin/python3 /root/shared_mmap.py)
  # socket.socketpair, a unix stream server, fd passing, asyncio (its loop needs a socketpair).
  python_test(sockets --stdout "python sockets ok" -- /usr/bin/python3 /root/sockets.py)
  python_test(files --stdout "python sqlite3 wal ok" --stdout "python sqlite3 delete ok" --stdout "python files ok"
              -- /usr/bin/python3 /root/files.py)
else()
  message(WARNING "python3.11 not found: the Python app tests are skipped")
endif()
