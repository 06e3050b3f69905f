/**
 * The testkit: {@link dev.stigmem.testkit.PluginTest} on a test class loads the plugin's build output
 * into a fresh {@link dev.stigmem.testkit.TestNode} per test; hook calls return a
 * {@link dev.stigmem.testkit.HookOutcome} to assert on, and the node records core API calls, audit
 * events, outbound requests and what plugins log through {@link java.lang.System.Logger}
 * ({@link dev.stigmem.testkit.PluginLog}).
 *
 * <p>Surefire setup: a plugin with a {@code module-info} runs on the module path and needs nothing
 * more. A plain-jar plugin runs on the class path, where {@code dev.stigmem.api} would be unnamed
 * and plugin layers could not read it; put the api jar on the module path:
 * <pre>{@code
 * <plugin>
 *   <artifactId>maven-dependency-plugin</artifactId>
 *   <executions><execution><goals><goal>properties</goal></goals></execution></executions>
 * </plugin>
 * <plugin>
 *   <artifactId>maven-surefire-plugin</artifactId>
 *   <configuration>
 *     <argLine>--module-path ${dev.stigmem:stigmem-api:jar} --add-modules dev.stigmem.api</argLine>
 *     <classpathDependencyExcludes>
 *       <classpathDependencyExclude>dev.stigmem:stigmem-api</classpathDependencyExclude>
 *     </classpathDependencyExcludes>
 *   </configuration>
 * </plugin>
 * }</pre>
 * The testkit checks this before the first test and fails with this snippet when it is missing.
 */
package dev.stigmem.testkit;
