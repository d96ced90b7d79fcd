#!/bin/bash
# Runs guest images under the reference qemu-system-aarch64 (-M virt -cpu cortex-a57),
# with QEMU's chr-testdev attached so the guest's exit code becomes QEMU's.
#
#   run-qemu.sh IMAGE [QEMU-OPTION...]   one run; exits with QEMU's status
#                                        ((code << 1) | 1 via chr-testdev, 124 on timeout)
#   run-qemu.sh -g [GROUP]               every unittests.cfg test (not "nodefault") or those
#                                        of GROUP; prints PASS/FAIL/SKIP per test, logs in logs/
#                                        (tests in group "armature-only" are skipped)
#
# Environment: QEMU (binary), TIMEOUT (seconds, default 20, unless the test sets timeout), IMAGES (default: images/
# next to this script), VIRTIO_MODERN=1 (virtio-mmio Version 2 instead of QEMU 7.2's legacy).
set -u
here=$(cd "$(dirname "$0")" && pwd)
qemu=${QEMU:-qemu-system-aarch64}
images=${IMAGES:-$here/images}
testdev=(-device virtio-serial-device -device virtconsole,chardev=ctd -chardev testdev,id=ctd)
[ "${VIRTIO_MODERN:-0}" = 1 ] && testdev+=(-global virtio-mmio.force-legacy=false)

run_one() {   # run_one TIMEOUT IMAGE ARGS...
	local limit=$1 image=$2
	shift 2
	timeout --foreground "$limit" "$qemu" -M virt -cpu cortex-a57 -nographic -kernel "$image" \
		"${testdev[@]}" "$@"
}

# Verdict from QEMU's status: kvm-unit-tests' mapping of (code << 1) | 1.
verdict() {   # verdict STATUS LOG
	case $1 in
	1) echo PASS ;;
	77) echo SKIP ;;
	124) echo "FAIL (timeout)" ;;
	127) echo "FAIL (abort)" ;;
	0) if grep -q '^EXIT: STATUS=1$' "$2"; then echo PASS; else echo "FAIL (powered off)"; fi ;;
	*) echo "FAIL (status $1)" ;;
	esac
}

run_cfg() {   # run_cfg [GROUP]
	local want=${1:-} cfg=$here/unittests.cfg failed=0
	mkdir -p "$here/logs"
	local name="" file="" smp=1 extra="" groups="" tmo=${TIMEOUT:-20}
	flush() {
		[ -n "$name" ] || return 0
		if { [ -z "$want" ] && [[ " $groups " == *" nodefault "* ]]; } ||
		   { [ -n "$want" ] && [[ " $groups " != *" $want "* ]]; }; then
			return 0
		fi
		if [[ " $groups " == *" armature-only "* ]]; then   # needs a device QEMU does not have
			echo "SKIP $name (Armature only)"
			return 0
		fi
		local log=$here/logs/$name.log status
		eval "run_one \"\$tmo\" \"\$images/\$file\" -smp \"\$smp\" $extra" >"$log" 2>&1 </dev/null
		status=$?
		local v summary
		v=$(verdict "$status" "$log")
		summary=$(sed -n 's/^SUMMARY: //p' "$log" | tr -d '\r')
		echo "$v $name${summary:+ ($summary)}"
		[[ $v == FAIL* ]] && failed=1
		return 0
	}
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		if [[ $line =~ ^\[(.*)\]$ ]]; then
			flush
			name=${BASH_REMATCH[1]} file="" smp=1 extra="" groups="" tmo=${TIMEOUT:-20}
		elif [[ $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
			case ${BASH_REMATCH[1]} in
			file) file=${BASH_REMATCH[2]} ;;
			smp) smp=${BASH_REMATCH[2]} ;;
			extra_params) extra=${BASH_REMATCH[2]} ;;
			groups) groups=${BASH_REMATCH[2]} ;;
			timeout) tmo=${BASH_REMATCH[2]} ;;
			esac
		fi
	done <"$cfg"
	flush
	return $failed
}

case ${1:-} in
-g) run_cfg "${2:-}" ;;
""|-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
*) image=$1; shift; run_one "${TIMEOUT:-20}" "$image" "$@" ;;
esac
