# -*- encoding: utf-8 -*-
# stub: json 1.8.6 ruby lib
# stub: ext/json/ext/generator/extconf.rb ext/json/ext/parser/extconf.rb

Gem::Specification.new do |s|
  s.name = %q{json}
  s.version = "1.8.6"

  s.required_rubygems_version = Gem::Requirement.new(">= 0") if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib"]
  s.authors = ["Florian Frank"]
  s.date = %q{2017-01-13}
  s.description = %q{This is a JSON implementation as a Ruby extension in C.}
  s.email = %q{flori@ping.de}
  s.extensions = ["ext/json/ext/generator/extconf.rb", "ext/json/ext/parser/extconf.rb"]
  s.homepage = %q{http://flori.github.com/json}
  s.license = %q{Ruby}
  s.rubygems_version = %q{1.8.23}
  s.summary = %q{JSON Implementation for Ruby}
end
