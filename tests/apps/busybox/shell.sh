# Debian's busybox ash as /bin/sh: what shell scripts do. Every check
# names itself when it fails; the last line says all passed.
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then
    echo "FAIL $1: expected [$2], got [$3]" >&2
    failures=$((failures + 1))
  fi
}

# Pipelines of three and more stages, through external programs.
check pipeline-3 "3" "$(printf 'b\na\nc\n' | sort | wc -l)"
check pipeline-5 "A B C" "$(echo c b a | tr ' ' '\n' | sort | tr 'a-z' 'A-Z' | tr '\n' ' ' | sed 's/ $//')"
check pipeline-builtins "HELLO" "$(echo hello | while read w; do echo "$w"; done | tr a-z A-Z)"
check pipeline-status "1" "$(false | true | false; echo $?)"
# A builtin writing more than a pipe holds before the next stage reads.
check pipeline-big "20000" "$(i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i + 1)); done | wc -l)"

# Redirections.
tmp=/tmp/shell-test.$$
echo first > "$tmp"
echo second >> "$tmp"
check append "first second" "$(cat < "$tmp" | tr '\n' ' ' | sed 's/ $//')"
check stderr-redirect "oops" "$( (echo oops >&2) 2>&1 )"
check dev-null "" "$(echo gone > /dev/null)"
exec 3> "$tmp"
echo via-fd3 >&3
exec 3>&-
check fd3 "via-fd3" "$(cat "$tmp")"

# Here-documents, plain and with expansion.
name=world
check heredoc "hello world" "$(cat <<END
hello $name
END
)"
check heredoc-quoted 'hello $name' "$(cat <<'END'
hello $name
END
)"
check heredoc-lines "3" "$(wc -l <<END
one
two
three
END
)"

# Command substitution, nested.
check substitution "x-y" "$(echo "$(echo x)-$(echo y)")"
check substitution-external "5" "$(seq 1 5 | tail -n 1)"

# Subshells do not change their parent.
value=outer
(value=inner; cd /tmp; exit 0)
check subshell "outer" "$value"
check subshell-cwd "/" "$(cd /; (cd /tmp); pwd)"
check subshell-status "4" "$( (exit 4); echo $?)"

# while read loops, from a file and from a pipeline.
printf '1 one\n2 two\n3 three\n' > "$tmp"
sum=0
while read number word; do sum=$((sum + number)); done < "$tmp"
check while-read "6" "$sum"
check while-read-pipe "one,two,three," "$(while read number word; do printf '%s,' "$word"; done < "$tmp")"

# Background jobs, wait and kill.
sleep 30 &
sleeper=$!
kill "$sleeper"
wait "$sleeper"
check kill-status "143" "$?"
(sleep 0.1; exit 7) &
job=$!
wait "$job"
check wait-status "7" "$?"
echo done-in-background > "$tmp" &
wait
check background-output "done-in-background" "$(cat "$tmp")"

# trap on a signal and on exit.
trap 'caught=yes' USR1
caught=no
kill -USR1 $$
check trap-usr1 "yes" "$caught"
trap - USR1
check trap-exit "bye" "$(sh -c 'trap "echo bye" EXIT; exit 0')"

# Exit statuses.
sh -c 'exit 42'
check exit-status "42" "$?"
check not-found "127" "$(nonexistent-command 2>/dev/null; echo $?)"
check and-or "yes" "$(false && echo no || echo yes)"
if ! grep -q three "$tmp"; then :; fi
check negation "0" "$?"

rm -f "$tmp"
if [ "$failures" -ne 0 ]; then
  echo "$failures checks failed" >&2
  exit 1
fi
echo "busybox sh ok"
