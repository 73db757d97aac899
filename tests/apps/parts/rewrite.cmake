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
