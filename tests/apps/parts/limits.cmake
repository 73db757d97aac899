# Running out of resource_limits.user_space_size is reported by name.
list(APPEND APP_PROGRAMS oom_user_space)
app_test(apps.limits.user-space --exit 1 --stderr "resource_limits.user_space_size"
         -- /usr/local/bin/tests/glibc-pie/oom_user_space)
