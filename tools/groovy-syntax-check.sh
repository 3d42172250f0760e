#!/usr/bin/env bash
# groovy-syntax-check.sh FILE...  - offline Groovy *syntax* check of Jenkinsfiles and shared-library steps.
# Parses each file with Groovy 2.4 (Debian `groovy` 2.4.21 = the Groovy version Jenkins core
# bundles) up to the CONVERSION phase: catches unbalanced braces/quotes and other parse errors.
# It does NOT know pipeline steps, declarative structure, plugins or shared libraries - that
# needs a running Jenkins (pipeline-model-converter/validate), which cannot be had offline here.
# Needs: apt-get install -y groovy   (and JAVA_HOME; derived from `java` if unset)
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 Jenkinsfile..." >&2; exit 2; }
command -v groovy >/dev/null || { echo "groovy not installed: apt-get install -y groovy" >&2; exit 2; }
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; export JAVA_HOME
fi
script=$(mktemp --suffix=.groovy); trap 'rm -f "$script"' EXIT
cat > "$script" <<'GROOVY'
import org.codehaus.groovy.control.*
int bad = 0
args.each { path ->
  def cu = new CompilationUnit()
  cu.addSource(new File(path))
  try { cu.compile(Phases.CONVERSION); println "OK   ${path}" }
  catch (CompilationFailedException e) { bad++; System.err.println("FAIL ${path}\n${e.message}") }
}
System.exit(bad ? 1 : 0)
GROOVY
groovy "$script" "$@"
