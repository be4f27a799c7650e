# find_jdk: prints the first JDK 25 among JAVA_HOME and the usual install places, or fails.
# Sourced by the checkout's ./escudo and by the release archive's bin/escudo.
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /opt/java/*25* "${HOME:-/nonexistent}"/.sdkman/candidates/java/25*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
        && "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
