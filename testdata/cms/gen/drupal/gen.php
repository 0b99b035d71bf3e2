<?php

/**
 * @file
 * Prints the MySQL DDL of a Drupal 10 standard-profile install.
 *
 * Usage:
 *   DRUPAL_SRC=/path/to/drupal php testdata/cms/gen/drupal/gen.php \
 *     | gzip -9n > testdata/cms/drupal-10.sql.gz
 *
 * DRUPAL_SRC is a checkout of drupal/drupal (the directory holding core/) or
 * of its core/ subtree split (drupal/core). Nothing of Drupal is copied here:
 * everything below is read from DRUPAL_SRC at run time.
 *
 * How it works:
 *  1. Drupal core ships, for its update tests, PHP scripts that recreate the
 *     database of a real standard install made by Drupal's installer
 *     (core/modules/system/tests/fixtures/update/drupal-*.standard.php.gz).
 *     They were made by Drupal's db-tools dumper, which reads the tables
 *     back from MySQL. We run the newest one against a stub connection that
 *     records every createTable() call and the key_value rows it inserts,
 *     and ignores all other writes.
 *  2. That dumper loses what it cannot read back: table and column comments
 *     and the BINARY flag of utf8mb4 columns; it also turns numeric defaults
 *     into strings. We take these back from the specs the installer itself
 *     passed to createTable():
 *       - entity tables: the installer stores the exact per-field schema it
 *         used in key_value (collection entity.storage_schema.sql), which the
 *         fixture contains; table comments of shared entity tables come from
 *         SqlContentEntityStorageSchema in DRUPAL_SRC;
 *       - other tables: hook_schema() in the modules' .install files and the
 *         schemaDefinition() methods of core's database-backed services, all
 *         read from DRUPAL_SRC.
 *     A source column spec replaces the dumped one only when both give the
 *     same MySQL column (type, length, sign, nullability, default); any
 *     difference is reported on stderr and the dumped (installed) column is
 *     kept, with the source's comment.
 *  3. Each table is turned into SQL by Drupal's own MySQL driver
 *     (Drupal\mysql\Driver\Database\mysql\Schema::createTableSql(), loaded
 *     from DRUPAL_SRC), then processed like Connection::query() does
 *     ({table} and [identifier] quoting), with no table prefix and no
 *     'collation' connection option, as in settings.php written by the
 *     installer. DRUPAL_COLLATION=utf8mb4_general_ci mimics a site that sets
 *     that option.
 *
 * Environment:
 *   DRUPAL_SRC        required, see above.
 *   DRUPAL_FIXTURE    optional: a fixture path, or 'filled' (default: newest
 *                     drupal-*.filled.standard.php.gz) or 'bare'.
 *   DRUPAL_COLLATION  optional, see above.
 */

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');
ini_set('memory_limit', '1G');

function gen_fail(string $msg): void {
  fwrite(STDERR, "gen.php: $msg\n");
  exit(1);
}

function gen_warn(string $msg): void {
  fwrite(STDERR, "gen.php: warning: $msg\n");
}

if (!extension_loaded('mbstring')) {
  gen_fail('PHP mbstring extension needed (Drupal requires it; Debian: php-mbstring)');
}

$src = getenv('DRUPAL_SRC');
if (!$src) {
  gen_fail('set DRUPAL_SRC to a drupal/drupal (or drupal/core) checkout');
}
$src = rtrim($src, '/');
if (is_dir("$src/core/lib/Drupal")) {
  $core = "$src/core";
}
elseif (is_dir("$src/lib/Drupal/Core")) {
  $core = $src;
}
else {
  gen_fail("DRUPAL_SRC=$src holds neither core/lib/Drupal nor lib/Drupal");
}

// --- Drupal version ---------------------------------------------------------
$drupal_version = 'unknown';
if (preg_match("/const VERSION = '([^']+)'/", (string) @file_get_contents("$core/lib/Drupal.php"), $m)) {
  $drupal_version = $m[1];
}

// --- Choose the fixture -----------------------------------------------------
function gen_pick_fixture(string $core, string $kind): string {
  $best = NULL;
  $best_version = NULL;
  foreach (glob("$core/modules/system/tests/fixtures/update/drupal-*.$kind.standard.php.gz") as $file) {
    if (!preg_match('/drupal-([0-9.]+)\.' . $kind . '\.standard\.php\.gz$/', $file, $m)) {
      continue;
    }
    $version = rtrim($m[1], '.');
    if ($best === NULL || version_compare($version, $best_version, '>')) {
      $best = $file;
      $best_version = $version;
    }
  }
  if ($best === NULL) {
    gen_fail("no drupal-*.$kind.standard.php.gz fixture under $core/modules/system/tests/fixtures/update");
  }
  return $best;
}

$fixture_opt = getenv('DRUPAL_FIXTURE') ?: 'filled';
if ($fixture_opt === 'filled' || $fixture_opt === 'bare') {
  $fixture = gen_pick_fixture($core, $fixture_opt);
}
elseif (is_file($fixture_opt)) {
  $fixture = $fixture_opt;
}
else {
  gen_fail("DRUPAL_FIXTURE=$fixture_opt is neither 'filled', 'bare' nor a file");
}

// --- Stub database connection used by the fixture ---------------------------

/**
 * Answers anything and does nothing.
 */
class GenNull {

  public function __call($name, $args) {
    return $this;
  }

  public function fetchField() {
    return '';
  }

  public function fetchAll() {
    return [];
  }

}

/**
 * Records inserts; only key_value rows are kept.
 */
class GenInsert {

  private array $fields = [];

  public function __construct(private GenRecorder $recorder, private string $table) {}

  public function fields(array $fields, array $values = []) {
    $this->fields = array_is_list($fields) ? $fields : array_keys($fields);
    if (!array_is_list($fields)) {
      $this->values($fields);
    }
    elseif ($values) {
      $this->values($values);
    }
    return $this;
  }

  public function values(array $values) {
    if (array_is_list($values) && $this->fields && count($values) === count($this->fields)) {
      $values = array_combine($this->fields, $values);
    }
    $this->recorder->row($this->table, $values);
    return $this;
  }

  public function __call($name, $args) {
    return $this;
  }

  public function execute() {
    return NULL;
  }

}

/**
 * Records createTable() calls.
 */
class GenSchemaRecorder {

  public function __construct(private GenRecorder $recorder) {}

  public function createTable($name, $table) {
    if (isset($this->recorder->tables[$name])) {
      gen_warn("table $name created twice by the fixture");
    }
    $this->recorder->tables[$name] = $table;
  }

  public function tableExists($table) {
    return isset($this->recorder->tables[$table]);
  }

  public function __call($name, $args) {
    return new GenNull();
  }

}

/**
 * The $connection the fixture script gets from Database::getConnection().
 */
class GenRecorder {

  public array $tables = [];
  public array $keyValue = [];

  public function databaseType() {
    return 'mysql';
  }

  public function driver() {
    return 'mysql';
  }

  public function schema() {
    return new GenSchemaRecorder($this);
  }

  public function insert($table, array $options = []) {
    return new GenInsert($this, $table);
  }

  public function row(string $table, array $values) {
    if ($table === 'key_value' && isset($values['collection'], $values['name'])
      && in_array($values['collection'], ['entity.storage_schema.sql', 'entity.definitions.installed'], TRUE)) {
      $this->keyValue[$values['collection']][$values['name']] = $values['value'];
    }
  }

  public function query($query, array $args = [], array $options = []) {
    return new GenNull();
  }

  public function __call($name, $args) {
    return new GenNull();
  }

}

$GLOBALS['gen_recorder'] = new GenRecorder();
// Declared before any autoloader can load Drupal's real class.
eval('namespace Drupal\Core\Database; class Database { public static function getConnection($target = "default", $key = NULL) { return $GLOBALS["gen_recorder"]; } public static function __callStatic($n, $a) { return NULL; } }');

(static function (string $file) {
  include 'compress.zlib://' . $file;
})($fixture);
$recorder = $GLOBALS['gen_recorder'];
if (!$recorder->tables) {
  gen_fail("the fixture $fixture created no table");
}

// --- Autoloader for Drupal classes from DRUPAL_SRC --------------------------
spl_autoload_register(static function ($class) use ($core) {
  $prefixes = [
    'Drupal\\Core\\' => "$core/lib/Drupal/Core/",
    'Drupal\\Component\\' => "$core/lib/Drupal/Component/",
  ];
  foreach ($prefixes as $prefix => $dir) {
    if (str_starts_with($class, $prefix)) {
      $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
      if (is_file($file)) {
        require_once $file;
      }
      return;
    }
  }
  if (preg_match('/^Drupal\\\\([a-z0-9_]+)\\\\(.+)$/', $class, $m)) {
    $file = "$core/modules/{$m[1]}/src/" . str_replace('\\', '/', $m[2]) . '.php';
    if (is_file($file)) {
      require_once $file;
    }
  }
});

// Constants and functions (t() etc.) that .install files may use, as Drupal
// has them loaded when it calls hook_schema().
require_once "$core/includes/bootstrap.inc";

// --- Source schema harvesting -------------------------------------------------

/**
 * Splits a PHP file into namespace, top-level use statements and functions.
 *
 * @return array
 *   'namespace' => string, 'uses' => string (PHP code), 'functions' =>
 *   [lower-case name => body code including braces], 'uses_this' => [name =>
 *   bool].
 */
function gen_parse_php(string $file): array {
  $tokens = token_get_all(file_get_contents($file));
  $n = count($tokens);
  $text = static fn($t) => is_array($t) ? $t[1] : $t;
  $namespace = '';
  $uses = '';
  $functions = [];
  $depth = 0;
  for ($i = 0; $i < $n; $i++) {
    $t = $tokens[$i];
    $id = is_array($t) ? $t[0] : NULL;
    if ($t === '{' || $id === T_CURLY_OPEN || $id === T_DOLLAR_OPEN_CURLY_BRACES) {
      $depth++;
      continue;
    }
    if ($t === '}') {
      $depth--;
      continue;
    }
    if ($id === T_NAMESPACE && $depth === 0) {
      $ns = '';
      for ($i++; $i < $n && $tokens[$i] !== ';' && $tokens[$i] !== '{'; $i++) {
        $ns .= $text($tokens[$i]);
      }
      $namespace = trim($ns);
      if (($tokens[$i] ?? NULL) === '{') {
        $depth++;
      }
      continue;
    }
    if ($id === T_USE && $depth === 0) {
      $stmt = '';
      for (; $i < $n && $tokens[$i] !== ';'; $i++) {
        $stmt .= $text($tokens[$i]);
      }
      $uses .= $stmt . ";\n";
      continue;
    }
    if ($id === T_FUNCTION) {
      // Function or method name.
      $j = $i + 1;
      while ($j < $n && is_array($tokens[$j]) && $tokens[$j][0] === T_WHITESPACE) {
        $j++;
      }
      if ($j >= $n || !is_array($tokens[$j]) || $tokens[$j][0] !== T_STRING) {
        continue;
      }
      $name = strtolower($tokens[$j][1]);
      // Skip to the body (or ';' for abstract methods).
      for ($k = $j; $k < $n && $tokens[$k] !== '{' && $tokens[$k] !== ';'; $k++);
      if ($k >= $n || $tokens[$k] === ';') {
        $i = $k;
        continue;
      }
      $body = '';
      $d = 0;
      for (; $k < $n; $k++) {
        $tk = $tokens[$k];
        $tid = is_array($tk) ? $tk[0] : NULL;
        if ($tk === '{' || $tid === T_CURLY_OPEN || $tid === T_DOLLAR_OPEN_CURLY_BRACES) {
          $d++;
        }
        elseif ($tk === '}') {
          $d--;
        }
        $body .= $text($tk);
        if ($d === 0) {
          break;
        }
      }
      $functions[$name] = $body;
      $i = $k;
    }
  }
  return ['namespace' => $namespace, 'uses' => $uses, 'functions' => $functions];
}

/**
 * Evaluates a function body in the namespace and imports of its file.
 */
function gen_eval_body(array $parsed, string $body, string $what) {
  static $count = 0;
  if (preg_match('/\$this\b|\bself::|\bstatic::|\bparent::/', $body)) {
    gen_warn("$what refers to its object or class; skipped");
    return NULL;
  }
  $count++;
  $fn = "gen_harvest_$count";
  $code = 'namespace ' . $parsed['namespace'] . " {\n" . $parsed['uses'] . "\nfunction $fn() $body\n}";
  try {
    eval($code);
    return ($parsed['namespace'] === '' ? $fn : $parsed['namespace'] . '\\' . $fn)();
  }
  catch (\Throwable $e) {
    gen_warn("$what could not be evaluated: " . $e->getMessage());
    return NULL;
  }
}

/**
 * Table specs from hook_schema() of every core module.
 */
function gen_hook_schemas(string $core): array {
  $tables = [];
  foreach (glob("$core/modules/*/*.install") as $file) {
    $module = basename($file, '.install');
    if ($module !== basename(dirname($file))) {
      continue;
    }
    $parsed = gen_parse_php($file);
    $hook = strtolower($module . '_schema');
    if (!isset($parsed['functions'][$hook])) {
      continue;
    }
    $schema = gen_eval_body($parsed, $parsed['functions'][$hook], "{$module}_schema()");
    foreach ((array) $schema as $table => $spec) {
      $tables[$table] = ['spec' => $spec, 'from' => "{$module}_schema()"];
    }
  }
  return $tables;
}

/**
 * Table specs from schemaDefinition() of core's database-backed services.
 */
function gen_service_schemas(string $core, array $fixture_tables): array {
  // Service class => the tables it creates with that definition (in a
  // standard install; see core.services.yml and the classes' constructors).
  $map = [
    'Batch/BatchStorage.php' => ['batch'],
    'Cache/DatabaseBackend.php' => '/^cache_/',
    'Cache/DatabaseCacheTagsChecksum.php' => ['cachetags'],
    'Config/DatabaseStorage.php' => ['config', 'config_snapshot'],
    'Flood/DatabaseBackend.php' => ['flood'],
    'KeyValueStore/DatabaseStorage.php' => ['key_value'],
    'KeyValueStore/DatabaseStorageExpirable.php' => ['key_value_expire'],
    'Lock/DatabaseLockBackend.php' => ['semaphore'],
    'Menu/MenuTreeStorage.php' => ['menu_tree'],
    'Queue/DatabaseQueue.php' => ['queue'],
    'Routing/MatcherDumper.php' => ['router'],
    'Session/SessionHandler.php' => ['sessions'],
  ];
  $tables = [];
  foreach ($map as $rel => $names) {
    $file = "$core/lib/Drupal/Core/$rel";
    if (!is_file($file)) {
      gen_warn("$file not found");
      continue;
    }
    $parsed = gen_parse_php($file);
    if (!isset($parsed['functions']['schemadefinition'])) {
      gen_warn("$file has no schemaDefinition()");
      continue;
    }
    $class = $parsed['namespace'] . '\\' . basename($rel, '.php');
    $spec = gen_eval_body($parsed, $parsed['functions']['schemadefinition'], "$class::schemaDefinition()");
    if (!is_array($spec)) {
      continue;
    }
    if (is_string($names)) {
      $names = array_values(array_filter($fixture_tables, fn($t) => preg_match($names, $t)));
    }
    foreach ($names as $name) {
      $tables[$name] = ['spec' => $spec, 'from' => "$class::schemaDefinition()"];
    }
  }
  return $tables;
}

/**
 * The file of a Drupal class in DRUPAL_SRC (PSR-4), or NULL.
 */
function gen_class_file(string $core, string $class): ?string {
  $class = ltrim($class, '\\');
  if (preg_match('/^Drupal\\\\(Core|Component)\\\\(.+)$/', $class, $m)) {
    $file = "$core/lib/Drupal/{$m[1]}/" . str_replace('\\', '/', $m[2]) . '.php';
  }
  elseif (preg_match('/^Drupal\\\\([a-z0-9_]+)\\\\(.+)$/', $class, $m)) {
    $file = "$core/modules/{$m[1]}/src/" . str_replace('\\', '/', $m[2]) . '.php';
  }
  else {
    return NULL;
  }
  return is_file($file) ? $file : NULL;
}

/**
 * Evaluates the value of "$schema['TABLE'] = VALUE;" found in a PHP file.
 */
function gen_schema_assignment(string $file, string $table) {
  $tokens = array_values(array_filter(token_get_all(file_get_contents($file)), fn($t) => !is_array($t) || !in_array($t[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], TRUE)));
  $text = static fn($t) => is_array($t) ? $t[1] : $t;
  $n = count($tokens);
  for ($i = 0; $i + 4 < $n; $i++) {
    if (is_array($tokens[$i]) && $tokens[$i][0] === T_VARIABLE && $tokens[$i][1] === '$schema'
      && $tokens[$i + 1] === '[' && is_array($tokens[$i + 2]) && $tokens[$i + 2][0] === T_CONSTANT_ENCAPSED_STRING
      && trim($tokens[$i + 2][1], '\'"') === $table && $tokens[$i + 3] === ']' && $tokens[$i + 4] === '=') {
      $expr = '';
      $depth = 0;
      for ($k = $i + 5; $k < $n; $k++) {
        $t = $tokens[$k];
        if ($t === ';' && $depth === 0) {
          break;
        }
        if (in_array($t, ['[', '(', '{'], TRUE)) {
          $depth++;
        }
        elseif (in_array($t, [']', ')', '}'], TRUE)) {
          $depth--;
        }
        $expr .= $text($t) . ' ';
      }
      $parsed = gen_parse_php($file);
      return gen_eval_body($parsed, "{ return $expr; }", basename($file) . " \$schema['$table']");
    }
  }
  return NULL;
}

/**
 * Reads a protected/private property of an incomplete (unloaded) object.
 */
function gen_prop($object, string $name) {
  foreach ((array) $object as $key => $value) {
    if ($key === $name || str_ends_with($key, "\0$name")) {
      return $value;
    }
  }
  return NULL;
}

/**
 * Entity table and column specs, as stored by the installer in key_value.
 */
function gen_entity_schemas(GenRecorder $recorder, string $core): array {
  // Table comment templates of SqlContentEntityStorageSchema.
  $code = (string) file_get_contents("$core/lib/Drupal/Core/Entity/Sql/SqlContentEntityStorageSchema.php");
  $templates = [];
  foreach (['base' => 'initializeBaseTable', 'revision' => 'initializeRevisionTable', 'data' => 'initializeDataTable', 'revision_data' => 'initializeRevisionDataTable'] as $kind => $method) {
    if (preg_match('/function ' . $method . '\b.*?\'description\' => "([^"]*)\$entity_type_id([^"]*)"/s', $code, $m)) {
      $templates[$kind] = [$m[1], $m[2]];
    }
    else {
      gen_warn("no table comment found in SqlContentEntityStorageSchema::$method()");
    }
  }

  $tables = [];
  $schema_kv = $recorder->keyValue['entity.storage_schema.sql'] ?? [];
  $defs = $recorder->keyValue['entity.definitions.installed'] ?? [];
  foreach ($schema_kv as $name => $value) {
    $data = unserialize($value, ['allowed_classes' => FALSE]);
    if (!is_array($data)) {
      gen_warn("cannot read key_value entity.storage_schema.sql $name");
      continue;
    }
    if (preg_match('/^(.+)\.entity_schema_data$/', $name, $m)) {
      $entity_type_id = $m[1];
      $type = isset($defs["$entity_type_id.entity_type"]) ? unserialize($defs["$entity_type_id.entity_type"], ['allowed_classes' => FALSE]) : NULL;
      if (!is_object($type)) {
        gen_warn("no installed definition of entity type $entity_type_id");
        continue;
      }
      // As DefaultTableMapping::__construct() names them (no table prefix).
      $names = [
        'base' => gen_prop($type, 'base_table') ?: $entity_type_id,
        'revision' => gen_prop($type, 'revision_table') ?: $entity_type_id . '_revision',
        'data' => gen_prop($type, 'data_table') ?: $entity_type_id . '_field_data',
        'revision_data' => gen_prop($type, 'revision_data_table') ?: $entity_type_id . '_field_revision',
      ];
      foreach (array_keys($data) as $table) {
        $kind = array_search($table, $names, TRUE);
        if ($kind === FALSE) {
          // A table that the entity type's storage schema handler adds itself
          // (e.g. taxonomy_index): take its spec from that class.
          $handlers = gen_prop($type, 'handlers');
          $class = is_array($handlers) ? ($handlers['storage_schema'] ?? NULL) : NULL;
          $file = $class ? gen_class_file($core, $class) : NULL;
          $spec = $file ? gen_schema_assignment($file, $table) : NULL;
          if (!is_array($spec)) {
            gen_warn("table $table of entity type $entity_type_id: no spec found in its storage schema handler");
            continue;
          }
          $tables[$table] = ['from' => "$class::getEntitySchema()"] + $spec;
          continue;
        }
        if (!isset($templates[$kind])) {
          continue;
        }
        $tables[$table]['description'] = $templates[$kind][0] . $entity_type_id . $templates[$kind][1];
        $tables[$table]['from'] = "entity type $entity_type_id";
      }
    }
    elseif (preg_match('/^(.+)\.field_schema_data\.(.+)$/', $name, $m)) {
      foreach ($data as $table => $spec) {
        if (!empty($spec['description'])) {
          $tables[$table]['description'] = $spec['description'];
        }
        $tables[$table]['from'] ??= "entity type {$m[1]}";
        foreach ($spec['fields'] ?? [] as $column => $field) {
          $tables[$table]['fields'][$column] = $field;
        }
      }
    }
  }
  return $tables;
}

// --- Drupal's MySQL schema code -----------------------------------------------

/**
 * The connection methods that Drupal's MySQL Schema uses to build SQL.
 */
class GenDdlConnection {

  // Installer default: no table prefix; MySQL identifier quotes.
  private string $prefix = '';
  private array $identifierQuotes = ['`', '`'];

  public function __construct(private array $options) {}

  public function getConnectionOptions() {
    return $this->options;
  }

  public function getPrefix() {
    return $this->prefix;
  }

  public function prefixTables($sql) {
    return str_replace(['{', '}'], [$this->identifierQuotes[0] . $this->prefix, $this->identifierQuotes[1]], $sql);
  }

  public function quoteIdentifiers($sql) {
    return str_replace(['[', ']'], $this->identifierQuotes, $sql);
  }

  /**
   * PDO::quote() of pdo_mysql (mysql_real_escape_string, utf8mb4).
   */
  public function quote($string, $parameter_type = NULL) {
    return "'" . strtr((string) $string, [
      "\\" => "\\\\",
      "\0" => "\\0",
      "\n" => "\\n",
      "\r" => "\\r",
      "'" => "\\'",
      '"' => '\\"',
      "\x1a" => "\\Z",
    ]) . "'";
  }

  /**
   * What Connection::query() does to a statement before running it.
   *
   * @see \Drupal\Core\Database\Connection::preprocessStatement()
   */
  public function preprocess(string $query): string {
    $query = rtrim($query, " \xA0\t\n\r\0\x0B;");
    if (str_contains($query, ';')) {
      gen_fail("statement contains ';': $query");
    }
    return $this->quoteIdentifiers($this->prefixTables($query));
  }

}

$options = ['database' => 'drupal', 'prefix' => ''];
if ($collation = getenv('DRUPAL_COLLATION')) {
  $options['collation'] = $collation;
}
$ddl_connection = new GenDdlConnection($options);
if (!is_file("$core/modules/mysql/src/Driver/Database/mysql/Schema.php")) {
  gen_fail("$core/modules/mysql/src/Driver/Database/mysql/Schema.php not found");
}
$mysql_schema = new \Drupal\mysql\Driver\Database\mysql\Schema($ddl_connection);
$create_table_sql = \Closure::bind(fn($name, $table) => $this->createTableSql($name, $table), $mysql_schema, get_class($mysql_schema));
$process_field = \Closure::bind(fn($field) => $this->processField($field), $mysql_schema, get_class($mysql_schema));
$string_types = \Closure::bind(fn() => $this->mysqlStringTypes, $mysql_schema, get_class($mysql_schema))();

/**
 * The parts of a column that MySQL keeps, for comparing two specs.
 */
function gen_column_signature(array $spec, callable $process_field, array $string_types): array {
  unset($spec['description']);
  $f = $process_field($spec);
  $type = $f['mysql_type'];
  $default = NULL;
  if (array_key_exists('default', $f) && $f['default'] !== NULL) {
    $default = is_numeric($f['default']) && !in_array($type, $string_types, TRUE) ? (string) (0 + $f['default']) : (string) $f['default'];
  }
  $sig = [
    'type' => $type,
    'length' => in_array($type, ['VARCHAR', 'CHAR'], TRUE) && isset($f['length']) ? (int) $f['length'] : NULL,
    'precision' => isset($f['precision'], $f['scale']) ? (int) $f['precision'] . ',' . (int) $f['scale'] : NULL,
    'ascii' => ($f['type'] ?? NULL) === 'varchar_ascii',
    'unsigned' => !empty($f['unsigned']),
    'not null' => !empty($f['not null']),
    'auto_increment' => !empty($f['auto_increment']),
    'default' => $default,
  ];
  return $sig;
}

/**
 * Keys in a comparable form: index lengths as integers, 191 where the driver
 * would shorten anyway.
 */
function gen_normalize_keys(array $keys, string $kind): array {
  $norm = static function (array $cols) {
    return array_map(static fn($c) => is_array($c) ? [$c[0], (int) $c[1]] : $c, array_values($cols));
  };
  if ($kind === 'primary key') {
    return $norm($keys);
  }
  $out = [];
  foreach ($keys as $name => $cols) {
    $out[$name] = $norm($cols);
  }
  ksort($out);
  return $out;
}

// --- Merge ------------------------------------------------------------------
$fixture_tables = array_keys($recorder->tables);
$entity = gen_entity_schemas($recorder, $core);
$hook = gen_hook_schemas($core);
$service = gen_service_schemas($core, $fixture_tables);

$keep_installed = getenv('DRUPAL_KEEP_INSTALLED') === '1';
$get_normalized_indexes = \Closure::bind(fn(array $spec) => $this->getNormalizedIndexes($spec), $mysql_schema, get_class($mysql_schema));

/**
 * Describes how two column specs differ, or returns '' if MySQL sees none.
 */
function gen_column_diff(array $installed, array $source, callable $process_field, array $string_types): string {
  $a = gen_column_signature($installed, $process_field, $string_types);
  $b = gen_column_signature($source, $process_field, $string_types);
  $diff = [];
  foreach ($a as $k => $v) {
    if ($b[$k] !== $v) {
      $diff[] = "$k " . var_export($v, TRUE) . ' vs ' . var_export($b[$k], TRUE);
    }
  }
  return implode(', ', $diff);
}

$stats = ['tables' => 0, 'table comments' => 0, 'columns' => 0, 'column comments' => 0, 'differences from the fixture' => 0];
$note = static function (string $msg) use (&$stats) {
  $stats['differences from the fixture']++;
  fwrite(STDERR, "gen.php: fixture differs: $msg\n");
};
$statements = [];
ksort($recorder->tables, SORT_STRING);
foreach ($recorder->tables as $name => $dumped_table) {
  $table = $dumped_table;
  if (isset($entity[$name])) {
    // Entity table: the column specs the installer stored, the fixture's
    // column order and keys.
    $source = $entity[$name];
    $from = $source['from'];
    if (!empty($source['description'])) {
      $table['description'] = $source['description'];
    }
    else {
      gen_warn("table $name ($from): no table comment found");
    }
    foreach ($dumped_table['fields'] as $column => $dumped) {
      $src_field = $source['fields'][$column] ?? NULL;
      if ($src_field === NULL) {
        gen_warn("table $name ($from): no stored spec for column $column; dumped spec used");
        continue;
      }
      $diff = gen_column_diff($dumped, $src_field, $process_field, $string_types);
      if ($diff !== '') {
        $note("$name.$column (installed vs stored spec): $diff");
        if ($keep_installed) {
          $src_field = ['description' => $src_field['description'] ?? NULL, 'binary' => $src_field['binary'] ?? NULL] + $dumped;
        }
      }
      $table['fields'][$column] = $src_field;
    }
    foreach (array_diff_key($source['fields'] ?? [], $dumped_table['fields']) as $column => $unused) {
      gen_warn("table $name ($from): stored column $column is not in the fixture");
    }
  }
  elseif (isset($hook[$name]) || isset($service[$name])) {
    // Table defined in code: the spec from DRUPAL_SRC, as a new install
    // creates it. Report how the fixture's table differs.
    $source = $hook[$name] ?? $service[$name];
    $from = $source['from'];
    $source = $source['spec'];
    foreach ($dumped_table['fields'] as $column => $dumped) {
      if (!isset($source['fields'][$column])) {
        $note("$name.$column is not in $from");
        continue;
      }
      $diff = gen_column_diff($dumped, $source['fields'][$column], $process_field, $string_types);
      if ($diff !== '') {
        $note("$name.$column (installed vs $from): $diff");
      }
    }
    foreach (array_diff_key($source['fields'], $dumped_table['fields']) as $column => $unused) {
      $note("$name.$column of $from is not in the fixture");
    }
    $common_installed = array_keys(array_intersect_key($dumped_table['fields'], $source['fields']));
    $common_source = array_keys(array_intersect_key($source['fields'], $dumped_table['fields']));
    if ($common_installed !== $common_source) {
      $note("$name column order (installed vs $from): " . implode(',', $common_installed) . ' vs ' . implode(',', $common_source));
    }
    foreach (['primary key', 'unique keys', 'indexes'] as $k) {
      $x = $dumped_table[$k] ?? [];
      $y = $source[$k] ?? [];
      if ($k === 'indexes') {
        $x = $get_normalized_indexes($dumped_table);
        $y = $get_normalized_indexes($source);
      }
      $x = gen_normalize_keys($x, $k);
      $y = gen_normalize_keys($y, $k);
      if ($x !== $y) {
        $note("$name $k (installed vs $from): " . json_encode($x) . ' vs ' . json_encode($y));
      }
    }
    if ($keep_installed) {
      foreach ($table['fields'] as $column => $dumped) {
        if (isset($source['fields'][$column])) {
          $table['fields'][$column]['description'] = $source['fields'][$column]['description'] ?? NULL;
          if (!empty($source['fields'][$column]['binary'])) {
            $table['fields'][$column]['binary'] = TRUE;
          }
        }
      }
      $table['description'] = $source['description'] ?? NULL;
    }
    else {
      $table = $source;
    }
    if (empty($table['description'])) {
      gen_warn("table $name ($from): no table comment in source");
    }
  }
  else {
    gen_warn("table $name: no source spec found; dumped spec used as is");
  }

  foreach ($table['fields'] as $f) {
    $stats['columns']++;
    if (!empty($f['description'])) {
      $stats['column comments']++;
    }
  }
  $stats['tables']++;
  if (!empty($table['description'])) {
    $stats['table comments']++;
  }

  foreach ($create_table_sql($name, $table) as $sql) {
    $statements[] = $ddl_connection->preprocess($sql);
  }
}

$fixture_name = basename($fixture);
echo "-- Drupal $drupal_version database schema (MySQL), generated by testdata/cms/gen/drupal/gen.php:\n";
echo "-- the tables of core/modules/system/tests/fixtures/update/$fixture_name (a standard-profile site),\n";
echo "-- with the specs the installer passes to createTable() (from DRUPAL_SRC and the site's key_value),\n";
echo "-- as SQL by Drupal's MySQL driver (Drupal\\mysql\\Driver\\Database\\mysql\\Schema). " . count($statements) . " tables.\n\n";
echo "SET NAMES utf8mb4;\n\n";
foreach ($statements as $sql) {
  echo $sql, ";\n\n";
}

$summary = [];
foreach ($stats as $k => $v) {
  $summary[] = "$v $k";
}
fwrite(STDERR, "gen.php: Drupal $drupal_version, $fixture_name: " . implode(', ', $summary) . "\n");
