# Rewritten syscall sites (the direct LibOS entry): threads racing through
# sites being rewritten, the red zone, a jump onto a `syscall`, signals,
# process and thread starts and ends; the debug log's count shows sites
# were rewritten, and the same program passes with every syscall trapping.
list(APPEND APP_PROGRAMS syscall_sites)
foreach(variant ${VARIANTS})
  app_test_once(apps.${variant}.syscall_sites --env CELLA_LOG=debug --stdout "syscall_sites ok"
                --stderr "syscall rewriting on: [1-9][0-9]* sites rewritten"
                -- /usr/local/bin/tests/${variant}/syscall_sites)
  app_test_once(apps.${variant}.syscall_sites.trap-only --env CELLA_LOG=debug --env CELLA_SYSCALL_REWRITE=0
                --stdout "syscall_sites ok" --stderr "syscall rewriting off: 0 sites rewritten"
                -- /usr/local/bin/tests/${variant}/syscall_sites)
  app_test_once(apps.${variant}.syscall_sites.config-off --env CELLA_LOG=debug
                --config-sed "s|\"syscall_rewrite\": true|\"syscall_rewrite\": false|"
                --stdout "syscall_sites ok" --stderr "syscall rewriting off: 0 sites rewritten"
                -- /usr/local/bin/tests/${variant}/syscall_sites)
endforeach()
# A file's record of rewritable sites: a second process running the same
# program and libraries gets them rewritten before they trap (musl's sites
# are not rewritable, so only the glibc builds count).
foreach(variant glibc-pie glibc-static-pie)
  app_test_once(apps.${variant}.syscall_sites.file-record --env CELLA_LOG=debug --stdout "rlimits ok"
                --stderr "sites rewritten \\([1-9][0-9]* of them ahead of their first trap"
                -- /usr/local/bin/tests/${variant}/rlimits)
endforeach()
