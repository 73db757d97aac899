# Real servers inside cella against native clients, and the reverse
# (issue 11's acceptance with real programs): redis, nginx, iperf3. Each
# test skips (exit 77) when its programs are not installed on the host;
# scripts/install-deps.sh installs them.
add_test(NAME apps.servers.setup COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/make_server_instance.sh
         ${CELLA} ${CMAKE_CURRENT_BINARY_DIR}/server-instance)
set_tests_properties(apps.servers.setup PROPERTIES FIXTURES_SETUP servers)
function(server_test name script)
  add_test(NAME apps.servers.${name} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/servers/${script} ${ARGN})
  set_tests_properties(apps.servers.${name} PROPERTIES FIXTURES_REQUIRED servers SKIP_RETURN_CODE 77 TIMEOUT 60
                       ENVIRONMENT "CELLA=${CELLA};INSTANCE=${CMAKE_CURRENT_BINARY_DIR}/server-instance")
endfunction()
server_test(redis redis.sh)
server_test(nginx nginx.sh)
server_test(iperf3-server iperf3.sh server)
server_test(iperf3-client iperf3.sh client)
# redis and nginx again with host socket I/O through the io_uring ring.
foreach(name redis nginx)
  add_test(NAME apps.servers.${name}.io_uring COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/servers/${name}.sh)
  set_tests_properties(apps.servers.${name}.io_uring PROPERTIES FIXTURES_REQUIRED servers SKIP_RETURN_CODE 77
                       TIMEOUT 60 ENVIRONMENT
                       "CELLA=${CELLA};INSTANCE=${CMAKE_CURRENT_BINARY_DIR}/server-instance;CELLA_IO_URING=1")
endforeach()
