# The page cache (issue 9): MAP_SHARED file pages are one copy for every
# process and for read()/write(); sparse ramfs files, fallocate, SEEK_DATA/HOLE.
list(APPEND APP_PROGRAMS shared_file_ipc mm_page_cache file_sparse)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.shared-file-ipc --stdout "shared_file_ipc ok" -- ${dir}/shared_file_ipc)
  app_test(apps.${variant}.mm-page-cache --stdout "mm_page_cache ok" -- ${dir}/mm_page_cache)
  app_test(apps.${variant}.file-sparse --stdout "file_sparse ok" -- ${dir}/file_sparse)
endforeach()
