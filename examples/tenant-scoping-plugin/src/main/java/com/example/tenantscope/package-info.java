/**
 * Multi-tenant scoping as a plain-jar plugin (no module-info; the loader seals it into an explicit
 * module). See {@link com.example.tenantscope.TenantScopingPlugin}.
 */
package com.example.tenantscope;
