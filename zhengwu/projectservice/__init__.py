"""Services around investment projects (DOMAIN.md §8): assisted handling (帮办代办), the project service team's visits (项目推进服务团) and the factor guarantee library (要素保障库)."""
