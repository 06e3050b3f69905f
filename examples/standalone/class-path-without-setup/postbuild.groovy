// The failure must be the testkit's, and say exactly what to add to the pom.
def log = new File(basedir, 'build.log').text
assert log.contains('The Stigmem testkit cannot load plugins in this JVM: dev.stigmem.api is on the class path')
assert log.contains('<argLine>--module-path ${dev.stigmem:stigmem-api:jar} --add-modules dev.stigmem.api</argLine>')
assert log.contains('<classpathDependencyExclude>dev.stigmem:stigmem-api</classpathDependencyExclude>')
assert !log.contains('Tests run: 1, Failures: 1')
