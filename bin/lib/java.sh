# shellcheck shell=bash
# Sourced by the project's scripts: picks a JDK >= 21 (jOOQ 3.21 is built for Java 21).
#
#   source "$(dirname "$0")/lib/java.sh"
#   crm_select_java || exit 1
#
# Sets nothing at source time; safe under `set -euo pipefail`.

CRM_MIN_JAVA_MAJOR="${CRM_MIN_JAVA_MAJOR:-21}"

# crm_java_major <path-to-java>: prints the feature release (8, 17, 21, 25, ...) or nothing.
crm_java_major() {
    local java_bin="$1" line version major
    [ -x "$java_bin" ] || return 1
    # First line looks like: openjdk version "17.0.15" 2025-04-15  |  java version "1.8.0_392"
    line="$("$java_bin" -version 2>&1 | grep -m1 -E 'version "' || true)"
    version="${line#*version \"}"
    version="${version%%\"*}"
    [ -n "$version" ] || return 1
    if [[ "$version" == 1.* ]]; then
        major="${version#1.}"
        major="${major%%.*}"
    else
        major="${version%%[.+-]*}"
    fi
    [[ "$major" =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$major"
}

# crm_java_home_of <path-to-java>: the JDK home that holds this java (resolving symlinks).
crm_java_home_of() {
    local real
    real="$(readlink -f "$1" 2>/dev/null || printf '%s' "$1")"
    dirname "$(dirname "$real")"
}

# crm_select_java: exports JAVA_HOME (JDK >= 21) and puts $JAVA_HOME/bin first on PATH.
crm_select_java() {
    local min="$CRM_MIN_JAVA_MAJOR" major home best_home="" best_major=0 candidate path_java

    # 1. Current JAVA_HOME, if it is new enough.
    if [ -n "${JAVA_HOME:-}" ] && [ -x "${JAVA_HOME}/bin/java" ]; then
        major="$(crm_java_major "${JAVA_HOME}/bin/java" || true)"
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
            best_home="$JAVA_HOME"
        fi
    fi

    # 2. The java on PATH, if it is new enough.
    if [ -z "$best_home" ]; then
        path_java="$(command -v java 2>/dev/null || true)"
        if [ -n "$path_java" ]; then
            major="$(crm_java_major "$path_java" || true)"
            if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
                best_home="$(crm_java_home_of "$path_java")"
            fi
        fi
    fi

    # 3. The newest JDK under /usr/lib/jvm (or $CRM_JVM_DIR).
    if [ -z "$best_home" ]; then
        for candidate in "${CRM_JVM_DIR:-/usr/lib/jvm}"/*/; do
            home="${candidate%/}"
            [ -x "$home/bin/java" ] || continue
            # javac marks a JDK (a bare JRE cannot compile).
            [ -x "$home/bin/javac" ] || continue
            major="$(crm_java_major "$home/bin/java" || true)"
            [ -n "$major" ] || continue
            if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
                best_major="$major"
                best_home="$(readlink -f "$home" 2>/dev/null || printf '%s' "$home")"
            fi
        done
    fi

    if [ -z "$best_home" ]; then
        echo "No JDK >= ${min} found; jOOQ 3.21 needs Java ${min}. Install one, e.g. apt-get install openjdk-21-jdk or Temurin, or set JAVA_HOME" >&2
        return 1
    fi

    export JAVA_HOME="$best_home"
    case ":${PATH}:" in
        ":${JAVA_HOME}/bin:"*) ;;                       # already first
        *) PATH="${JAVA_HOME}/bin:${PATH}" ;;
    esac
    export PATH
    return 0
}
