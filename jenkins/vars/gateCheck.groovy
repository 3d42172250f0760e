// gateCheck: the gate quality gate as a Jenkins shared-library step.
//
// In a multibranch pipeline (GitHub Branch Source), gate reads CHANGE_ID,
// CHANGE_TARGET and CHANGE_URL itself, diffs against origin/CHANGE_TARGET and
// publishes to GitHub with the same code as in GitHub Actions: a check run
// (needs a GitHub App installation token; with a personal token set
// `[github] check_run = false` in gate.toml and require the `gate` status), one
// sticky comment and a commit status.
//
//   @Library('gate') _
//   gateCheck(credentialsId: 'github-token', args: '--coverage target/site/jacoco/jacoco.xml')
//
// Options: credentialsId (a "secret text" credential with the token), args,
// gate (the executable, default 'gate'), apiUrl (GitHub Enterprise Server,
// e.g. https://ghe.example.com/api/v3), reports (folder, default
// 'gate-reports'), failOnError (default true).
// Returns gate's exit code: 0 passed, 1 failed, 2 could not evaluate.

def call(Map options = [:]) {
    String gate = options.get('gate', 'gate')
    String reports = options.get('reports', 'gate-reports')
    String args = options.get('args', '')
    String credentialsId = options.get('credentialsId', '')
    boolean failOnError = options.get('failOnError', true)

    // With the default "merge with target" strategy the workspace HEAD is a
    // merge commit GitHub does not know: report on the pull request's head.
    String sha = sh(
        script: 'if [ -n "${CHANGE_ID:-}" ] && git rev-parse -q --verify HEAD^2 >/dev/null; then git rev-parse HEAD^2; else git rev-parse HEAD; fi',
        returnStdout: true
    ).trim()
    List<String> environment = []
    if (options.apiUrl) {
        environment << "GITHUB_API_URL=${options.apiUrl}"
    }
    // The HTML report is archived below: the PR comment links it there.
    if (env.BUILD_URL) {
        environment << "GATE_REPORT_URL=${env.BUILD_URL}artifact/${reports}/gate.html"
    }
    String command = "${gate} check . --publish github --github-sha ${sha} " +
        "--format text,sarif,junit,checkstyle,html --output-dir '${reports}' ${args}"

    int code = 0
    withEnv(environment) {
        if (credentialsId) {
            withCredentials([string(credentialsId: credentialsId, variable: 'GATE_GITHUB_TOKEN')]) {
                code = sh(script: command, returnStatus: true)
            }
        } else {
            code = sh(script: command, returnStatus: true)
        }
    }

    archiveArtifacts artifacts: "${reports}/*", allowEmptyArchive: true
    junit testResults: "${reports}/gate-junit.xml", allowEmptyResults: true
    recordIssues enabledForFailure: true,
        tools: [checkStyle(pattern: "${reports}/gate-checkstyle.xml", id: 'gate', name: 'gate')]

    if (code == 1 && failOnError) {
        error('gate: the quality gate failed (see the gate check on the pull request)')
    }
    if (code >= 2 && failOnError) {
        error("gate: the gate could not be evaluated (exit code ${code}); see the log")
    }
    return code
}
