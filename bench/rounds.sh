# Sourced by bench/snapshot.sh and bench/restore.sh after bench/server.sh:
# runs commands in paired rounds and prints the table.
#
#   add NAME PREP CMD   a command: PREP runs untimed before each run of CMD
#   run_rounds          $runs rounds; each round runs every command once, in
#                       order, so that a machine that speeds up or slows down
#                       over the minutes of a run (it is shared) touches all
#                       commands alike
#   report REF...       the table; for each REF (an index into the commands)
#                       two columns: wall time and client CPU as a ratio to
#                       that command's, taken within each round, median over
#                       the rounds
#
# Client CPU is user+sys of the timed command and all its children (the
# stagecopy process; for a pipeline, every process of it), from
# /usr/bin/time; server CPU is what mariadbd spent meanwhile, from
# /proc/PID/stat. Per GB means per 10^9 bytes of the generated SQL dump.
names=(); preps=(); cmds=()
add() { names+=("$1"); preps+=("$2"); cmds+=("$3"); }

cpu_of() { awk '{print $14+$15}' "/proc/$1/stat"; } # user+sys clock ticks of a process
hz=$(getconf CLK_TCK)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

run_rounds() {
  local r i out s0 s1 t u s m
  rm -f "$dir"/m.* "$dir"/size.*
  for r in $(seq "$runs"); do
    for i in "${!cmds[@]}"; do
      bash -c "${preps[$i]}"
      s0=$(cpu_of "$server")
      out=$( { /usr/bin/time -f "%e %U %S %M" bash -c "${cmds[$i]}"; } 2>&1 | tail -n 1)
      s1=$(cpu_of "$server")
      read -r t u s m <<<"$out"
      [[ $m =~ ^[0-9]+$ ]] || { echo "bench: ${names[$i]} failed: $out" >&2; exit 1; }
      echo "$r $t $(awk "BEGIN{print $u + $s}") $(awk "BEGIN{print ($s1 - $s0) / $hz}") $m" >> "$dir/m.$i"
      [ -d "$dir/out" ] && du -sb "$dir/out" | cut -f1 > "$dir/size.$i"
    done
    echo "round $r of $runs done (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  done
}

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

report() {
  local i ref head="| command | wall | client CPU | client CPU per GB | server CPU | peak RSS |" line="|---|---|---|---|---|---|"
  [ -f "$dir/size.0" ] && head+=" output |" line+="---|"
  for ref in "$@"; do head+=" vs ${names[$ref]%% (*}: wall / client CPU |"; line+="---|"; done
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)); MariaDB $(PATH=$PATH:/usr/sbin mariadbd --version | awk '{print $3}'), $server_desc"
  echo "input: $bytes bytes of SQL ($size); $runs paired rounds, each running every command once; medians over the rounds; load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "$head"
  echo "$line"
  for i in "${!cmds[@]}"; do
    local t c sv rss row
    t=$(awk '{print $2}' "$dir/m.$i" | median)
    c=$(awk '{print $3}' "$dir/m.$i" | median)
    sv=$(awk '{print $4}' "$dir/m.$i" | median)
    rss=$(awk '{print $5}' "$dir/m.$i" | sort -g | tail -n 1)
    row=$(awk -v t="$t" -v c="$c" -v sv="$sv" -v r="$rss" -v b="$bytes" 'BEGIN{printf "%.2f s | %.2f s | %.2f s | %.2f s | %.1f MB |", t, c, c/(b/1e9), sv, r/1024}')
    [ -f "$dir/size.$i" ] && row+=$(awk -v s="$(cat "$dir/size.$i")" 'BEGIN{printf " %.0f MB |", s/1e6}')
    for ref in "$@"; do
      local rw rc
      rw=$(paste -d' ' "$dir/m.$i" "$dir/m.$ref" | awk '{print $2/$7}' | median)
      rc=$(paste -d' ' "$dir/m.$i" "$dir/m.$ref" | awk '{print ($8 > 0 ? $3/$8 : 0)}' | median)
      row+=$(awk -v a="$rw" -v b="$rc" 'BEGIN{printf " %.2f× / %.2f× |", a, b}')
    done
    echo "| ${names[$i]} | $row"
  done
}
