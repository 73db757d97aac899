# Threads and signals (issue 3).
list(APPEND APP_PROGRAMS threads signals)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.threads --stdout "threads ok" -- ${dir}/threads)
  app_test(apps.${variant}.signals --stdout "signals ok" -- ${dir}/signals)
endforeach()
