# Positional and vectored I/O, file-to-file transfers, the sync family,
# memfd and O_TMPFILE, openat2 (the transfer part of issue 9).
foreach(program vectored_io file_transfer memfd memfd_secret tmpfile openat2 aio aio_pgetevents)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "^${program} ok$" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
