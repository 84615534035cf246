-- Reference data the designs give. Plans were seeded in 0001.

-- Studio Nexus limits per tier (-1 = unlimited). The design gives free and pro; enterprise has no
-- rows, which check_usage_limit reads as unlimited.
insert into public.subscription_limits (subscription_tier, resource_type, limit_value, limit_unit) values
  ('free', 'ai_transformations', 5, 'count'),
  ('free', 'exports', 10, 'count'),
  ('free', 'storage_mb', 100, 'mb'),
  ('free', 'projects', 3, 'count'),
  ('pro', 'ai_transformations', 50, 'count'),
  ('pro', 'exports', -1, 'count'),
  ('pro', 'storage_mb', 1000, 'mb'),
  ('pro', 'projects', -1, 'count');

insert into public.ai_model_presets (name, description, transformation_type, parameters, is_active) values
  ('Classical Orchestra', 'Transform vocals into a full orchestral arrangement', 'orchestral',
   '{"style": "classical", "tempo": "moderate", "instruments": ["strings", "brass", "woodwinds"]}', true),
  ('Electronic Dance', 'Convert to upbeat electronic dance music', 'electronic',
   '{"style": "edm", "tempo": "fast", "synthesizers": true}', true),
  ('Jazz Ensemble', 'Create a smooth jazz interpretation', 'jazz',
   '{"style": "smooth_jazz", "instruments": ["piano", "saxophone", "bass", "drums"]}', true);

-- System effects presets (no owner).
insert into public.effects_presets (name, description, category, effects_chain, is_system_preset, is_public) values
  ('Vocal Warmth', 'Warm, professional vocal sound', 'vocal',
   '[{"type": "equalizer", "settings": {"low": 1.2, "mid": 1.0, "high": 1.1}}, {"type": "reverb", "settings": {"room_size": 0.3, "damping": 0.5}}]',
   true, true),
  ('Ambient Space', 'Create atmospheric, spacious sound', 'ambient',
   '[{"type": "reverb", "settings": {"room_size": 0.8, "damping": 0.2}}, {"type": "delay", "settings": {"time": 0.5, "feedback": 0.3}}]',
   true, true);

-- Albert3 app_settings examples, with the rate limits its rate_limit_buckets section names
-- (requests per minute, token bucket). Only maintenance_mode and feature_flags are client-readable.
insert into public.app_settings (key, value, is_public) values
  ('maintenance_mode', '{"enabled": false}', true),
  ('feature_flags', '{}', true),
  ('provider_config', '{}', false),
  ('rate_limits', '{"generate-music": {"requests": 10, "per_seconds": 60},
                    "generate-lyrics": {"requests": 20, "per_seconds": 60},
                    "api-general": {"requests": 100, "per_seconds": 60}}', false);
