// The starter's checks, after its four invocations (see invoker.properties).
import com.networknt.schema.InputFormat
import com.networknt.schema.SchemaRegistry
import com.networknt.schema.SpecificationVersion
import groovy.json.JsonSlurper

File project = new File(basedir, 'generated/hello-plugin')
assert new File(project, 'src/main/java/module-info.java').text.contains('provides dev.stigmem.api.Plugin with com.example.hello.ValidationPlugin')
String log = new File(basedir, 'build.log').text

// 2: the generated project builds green: its testkit tests pass and the scan accepts it.
assert log.contains('Tests run: 4, Failures: 0, Errors: 0, Skipped: 0')
assert log =~ /stigmem: plugin hello-plugin 1\.0\.0, archive target.hello-plugin-1\.0\.0-SNAPSHOT\.jar: ACCEPT: 0 findings/

// 4: with the forbidden call, mvn verify -DskipTests fails on the scan, with its report.
assert log.contains('stigmem: a node would refuse plugin hello-plugin 1.0.0: the pre-scan of target/hello-plugin-1.0.0-SNAPSHOT.jar found 2 DENY findings')
assert log.contains('DENY process.spawn: java.lang.Runtime#exec([Ljava/lang/String;)Ljava/lang/Process; [Starts or controls operating-system processes')
assert log.contains('DENY process.spawn: java.lang.Process [Starts or controls operating-system processes')
assert log.contains('in com.example.hello.ValidationPlugin.preAssertValidate(Ldev/stigmem/api/PluginContext;Ldev/stigmem/api/hook/AssertRequest;)Ldev/stigmem/api/hook/Vote; (hello-plugin-1.0.0-SNAPSHOT.jar!com/example/hello/ValidationPlugin.class:')
assert log.contains('Reports: target/stigmem/scan.txt (JSON: target/stigmem/scan.json, SARIF 2.1.0: target/stigmem/scan.sarif)')
assert log.contains('BUILD FAILURE')

// Both builds wrote SARIF 2.1.0 that validates against the schema, and JSON.
def schema = new File(sarifSchema).withInputStream { SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(it) }
def slurper = new JsonSlurper()
for (File dir : [new File(basedir, 'accepted-reports'), new File(project, 'target/stigmem')]) {
    File sarif = new File(dir, 'scan.sarif')
    assert sarif.isFile() : "no SARIF log in ${dir}"
    def errors = schema.validate(sarif.text, InputFormat.JSON)
    assert errors.isEmpty() : "${sarif} is not valid SARIF 2.1.0: ${errors}"
    assert new File(dir, 'scan.txt').isFile()
}
assert slurper.parse(new File(basedir, 'accepted-reports/scan.json')).verdict == 'ACCEPT'
assert slurper.parse(new File(basedir, 'accepted-reports/scan.sarif')).runs[0].results.isEmpty()
assert slurper.parse(new File(project, 'target/stigmem/scan.json')).verdict == 'REJECT'

def run = slurper.parse(new File(project, 'target/stigmem/scan.sarif')).runs[0]
assert run.results*.ruleId == ['process.spawn', 'process.spawn']
def result = run.results.find { it.message.text.startsWith('java.lang.Runtime#exec(') }
assert result != null && result.level == 'error'
assert run.tool.driver.rules[result.ruleIndex].help.text.startsWith('Starts or controls operating-system processes')
// Located in the source file, below SRCROOT (the project's src/main/java), where a code-scanning UI shows it.
def location = result.locations[0]
assert location.physicalLocation.artifactLocation.uri == 'com/example/hello/ValidationPlugin.java'
assert location.physicalLocation.artifactLocation.uriBaseId == 'SRCROOT'
assert run.originalUriBaseIds.SRCROOT != null
def source = new File(project, 'src/main/java/' + location.physicalLocation.artifactLocation.uri)
assert source.isFile()
int line = location.physicalLocation.region.startLine
assert line > 0 && source.readLines()[line - 1].contains('exec(')
assert result.relatedLocations[0].physicalLocation.artifactLocation.uri == 'com/example/hello/ValidationPlugin.class'
assert location.logicalLocations[0].fullyQualifiedName.startsWith('com.example.hello.ValidationPlugin.preAssertValidate(')
return true
