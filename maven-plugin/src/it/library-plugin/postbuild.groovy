import groovy.json.JsonSlurper
import java.util.zip.ZipFile

String log = new File(basedir, 'build.log').text

// The archive is a zip, the plugin jar first, its library beside it; attached and installed.
File zip = new File(basedir, 'target/library-it-1.0.0-plugin.zip')
assert zip.isFile()
new ZipFile(zip).withCloseable { z ->
    assert z.entries().toList()*.name == ['library-it-1.0.0.jar', 'example-text-library-' + stigmemVersion + '.jar']
}
assert log.contains('stigmem: plugin archive ' + zip.path + ' (library-it-1.0.0.jar and 1 private library)')
File installed = new File(localRepositoryPath, 'com/example/it/library-it/1.0.0/library-it-1.0.0-plugin.zip')
assert installed.isFile() && installed.bytes == zip.bytes
assert log =~ /stigmem: plugin library-it 1\.0\.0, archive target.library-it-1\.0\.0-plugin\.zip: ACCEPT: 0 findings \(0 deny, 0 warn, 0 info\) in \d+ classes \(\d+ bytes\) of 2 jars; scanned in \d+ ms/
def json = new JsonSlurper().parse(new File(basedir, 'target/stigmem/scan.json'))
assert json.verdict == 'ACCEPT' && json.jars == ['library-it-1.0.0.jar', 'example-text-library-' + stigmemVersion + '.jar']
assert new JsonSlurper().parse(new File(basedir, 'target/stigmem/scan.sarif')).version == '2.1.0'

return true
